"""The images a reader can pull: the handbook's own and the public ones ``conf/images.yaml`` lists.

An example or a page command that names any other image sends the reader to ImagePullBackOff
(or a failed ``docker pull``), so each such reference is an ``image-unknown`` error. A public
image without a tag or with ``:latest`` is the practice rules' and hadolint's to report where
they run (manifests, Dockerfiles); this module does not report it twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import settings
from .findings import Finding
from .rules import RuleSet

TOOL = "examplecheck"
IMAGES = RuleSet(
    TOOL,
    applies_to=("kubernetes", "compose", "dockerfile", "helm-chart", "page"),
    title_ko="이미지",
    title_en="Images",
)
RULE = IMAGES.rule(
    "image-unknown",
    ko="매니페스트, Compose 파일, Dockerfile의 `FROM`, Helm 차트의 values, 페이지의 `docker run`·"
    "`docker pull`·`kubectl run --image` 같은 명령이 핸드북이 빌드하는 이미지도 아니고 "
    "`conf/images.yaml`에 없는 이미지(또는 없는 태그)를 가리킵니다. 독자가 적용하면 "
    "ImagePullBackOff로 "
    "끝납니다.",
    en="A manifest, Compose file, Dockerfile FROM, chart value or page command names an image that "
    "the handbook neither builds nor lists in conf/images.yaml (or a tag it does not list): "
    "applied, it ends in ImagePullBackOff.",
    fix_ko="핸드북 앱이면 `ghcr.io/<저장소>/myapp:<태그>`를, 공개 이미지면 `conf/images.yaml`에 "
    "태그와 "
    "다이제스트, 출처를 기록한 뒤 씁니다.",
    fix_en="Use the handbook's own ghcr.io image, or record the public image's tag, digest and "
    "source in conf/images.yaml first.",
)
CONF = "conf/images.yaml"
DOCKER_HUB = "docker.io"


@dataclass(frozen=True)
class ImageName:
    """A reference split the way registries read it: ``name[:tag][@digest]``."""

    name: str  # as written, without tag and digest
    tag: str | None
    digest: str | None

    @property
    def canonical(self) -> str:
        """``postgres`` and ``docker.io/library/postgres`` are the same repository."""
        return canonical_name(self.name)


def parse_image(reference: str) -> ImageName:
    rest, _, digest = reference.partition("@")
    head, slash, last = rest.rpartition("/")
    tag = None
    if ":" in last:  # a colon before the last slash is a registry port, not a tag
        last, tag = last.rsplit(":", 1)
    return ImageName(head + slash + last, tag, digest or None)


def canonical_name(name: str) -> str:
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        registry, path = first.lower(), rest
    else:
        registry, path = DOCKER_HUB, name
    if registry in ("index.docker.io", "registry-1.docker.io"):
        registry = DOCKER_HUB
    if registry == DOCKER_HUB and "/" not in path:
        path = "library/" + path
    return f"{registry}/{path}"


@dataclass(frozen=True)
class Reference:
    """One image an example or a page names, where it names it."""

    path: str
    line: int
    column: int
    image: str
    # The practice rules (manifests) or hadolint (Dockerfiles) already report a missing tag.
    floating_reported: bool = False
    # A page's `docker run` may run the handbook image under its local name (the pages build
    # it as `myapp:1.0.0`); `docker run` and `docker pull` may name what the same page builds
    # or tags (`docker build -t`, `docker tag`): ``local_names``.
    local_ok: bool = False
    local_names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class HandbookImage:
    name: str  # ghcr.io/<repository>/<name>
    local: str | None  # the name the pages build it as on the reader's machine
    tags: tuple[str, ...]
    context: str = ""  # build folder, relative to the repository root
    dockerfiles: tuple[str, ...] = ()  # one per tag, in the same order


@dataclass(frozen=True)
class KnownImages:
    repository: str
    handbook: tuple[HandbookImage, ...] = ()
    # canonical name -> {tag: digest}
    public: dict[str, dict[str, str]] = field(default_factory=dict)
    public_names: dict[str, str] = field(default_factory=dict)  # canonical -> as listed

    @property
    def registry_prefix(self) -> str:
        return f"ghcr.io/{self.repository}"

    def problem(self, reference: Reference) -> str | None:
        """Why ``reference`` cannot be pulled, or None when it can."""
        image = reference.image
        if "$" in image or "{{" in image:
            return None  # a variable the reader or the build fills in: nothing to look up
        parsed = parse_image(image)
        own = self._handbook(parsed.canonical)
        if own is not None:
            if parsed.tag in own.tags:
                return None
            return f"{own.name} is built with tag(s) {_list(own.tags)} only ({CONF} `handbook:`)"
        if image in reference.local_names:
            return None
        local = self._local(parsed.canonical)
        if local is not None:
            if reference.local_ok and parsed.tag in local.tags:
                return None
            return (
                f"{image!r} exists only on a machine that built it: use "
                f"{local.name}:{local.tags[0]}, the published handbook image"
            )
        tags = self.public.get(parsed.canonical)
        if tags is None:
            return (
                f"image {image!r} is neither built by the handbook nor listed in {CONF}, "
                f"so nobody checked that it can be pulled: use a listed image or add it to "
                f"{CONF} `public:` with its tag and digest"
            )
        if parsed.tag in (None, "latest"):
            if reference.floating_reported:
                return None
            return f"{image!r} has no version tag: use one {CONF} lists ({_list(tags)})"
        if parsed.tag not in tags:
            listed = self.public_names[parsed.canonical]
            return (
                f"{listed} is listed in {CONF} with tag(s) {_list(tags)}, not {parsed.tag!r}: "
                f"use a listed tag or add this one with its digest"
            )
        if parsed.digest is not None and parsed.digest != tags[parsed.tag]:
            return (
                f"{image!r} pins digest {parsed.digest}, but {CONF} records "
                f"{tags[parsed.tag]} for that tag"
            )
        return None

    def _handbook(self, canonical: str) -> HandbookImage | None:
        return next((h for h in self.handbook if canonical_name(h.name) == canonical), None)

    def _local(self, canonical: str) -> HandbookImage | None:
        return next(
            (h for h in self.handbook if h.local and canonical_name(h.local) == canonical), None
        )


def check(references: Iterable[Reference], known: KnownImages) -> list[Finding]:
    findings = []
    for reference in references:
        message = known.problem(reference)
        if message is not None:
            findings.append(RULE.finding(reference.path, reference.line, reference.column, message))
    return findings


def _list(tags: Iterable[str]) -> str:
    return ", ".join(sorted(tags))


# --- conf/images.yaml ----------------------------------------------------------------------


def load_known_images(root: Path) -> KnownImages | None:
    """``conf/images.yaml`` under ``root``, or None when there is none (a checker run outside
    this repository). Its shape is conf/schemas/images.schema.json's (examplecheck.settings);
    what a schema cannot say (an image twice, a name with a tag) is a ConfigError here."""
    conf = settings.read(root, "images")
    if conf is None:
        return None
    repository = conf.data["repository"]
    handbook = tuple(
        HandbookImage(
            f"ghcr.io/{repository}/{entry['name']}",
            entry.get("local"),
            tuple(build["tag"] for build in entry["builds"]),
            entry["context"],
            tuple(build["dockerfile"] for build in entry["builds"]),
        )
        for entry in conf.data["handbook"]
    )
    public: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    for index, entry in enumerate(conf.data["public"]):
        image, tag = entry["image"], entry["tag"]
        if parse_image(image) != ImageName(image, None, None):
            raise conf.fail(["public", index, "image"], "`image` is a name without tag or digest")
        canonical = canonical_name(image)
        if tag in public.get(canonical, {}):
            raise conf.fail(["public", index], f"{image}:{tag} is listed twice")
        public.setdefault(canonical, {})[tag] = entry["digest"]
        names.setdefault(canonical, image)
    return KnownImages(repository, handbook, public, names)

"""``{rule-catalogue}``: the page of every checker rule, generated from examplecheck.catalogue.

Each rule set is a section; each rule an entry whose HTML id is the rule id, so that
``rules.html#k8s-missing-name`` (the link every finding carries in the terminal, in GitHub
annotations and under an example's warnings) lands on it. A ``rule_reference`` node, which
the warnings admonition puts where it names a rule, becomes a link to that entry once pages
are resolved; a wrapped tool's own code (DL3007, SC2086) links to the tool's page for it.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from examplecheck import catalogue
from examplecheck.rules import Rule

RULE_DOC = "rules"  # docs/rules.md
_SEVERITY = {"error": "오류", "warning": "경고", "info": "참고"}
_KINDS = {
    "kubernetes": "쿠버네티스 매니페스트",
    "compose": "Compose 파일",
    "dockerfile": "Dockerfile",
    "helm-chart": "Helm 차트",
    "helm-template": "Helm 템플릿",
    "kustomization": "kustomization",
    "shell": "셸 스크립트",
    "page": "페이지의 명령 블록",
    "python": "Python",
    "json": "JSON",
    "yaml": "YAML",
    "every file": "모든 파일",
}


class rule_reference(nodes.Inline, nodes.TextElement):
    """A rule id in running text; resolved to a link to the rule's entry."""


def rule_reference_node(rule_id: str) -> nodes.Node:
    """What the warnings admonition puts where it names a rule."""
    node = rule_reference(rule_id, "", nodes.literal(rule_id, rule_id))
    node["rule_id"] = rule_id
    return node


def inline_code(text: str) -> list[nodes.Node]:
    """A rule's text as nodes: `backticked` spans become inline code."""
    out: list[nodes.Node] = []
    for index, part in enumerate(text.split("`")):
        if part:
            out.append(nodes.literal(part, part) if index % 2 else nodes.Text(part))
    return out


def _paragraph(label: str, *children: nodes.Node) -> nodes.paragraph:
    para = nodes.paragraph()
    para += nodes.strong(label, label)
    para += nodes.Text(" ")
    para.extend(children)
    return para


def _entry(rule: Rule) -> nodes.section:
    section = nodes.section(ids=[rule.anchor], names=[rule.id])
    section += nodes.title("", "", nodes.literal(rule.id, rule.id))
    severities = [rule.severity, *rule.levels]
    shown = " 또는 ".join(_SEVERITY[str(s)] for s in dict.fromkeys(severities))
    scope = ", ".join(_KINDS.get(kind, kind) for kind in rule.applies_to)
    facts = nodes.paragraph()
    facts += nodes.Text(f"심각도: {shown} · 대상: {scope} · 도구: ")
    facts += nodes.literal(rule.tool, rule.tool)
    section += facts
    section += _paragraph("무엇을 찾는가:", *inline_code(rule.summary_ko))
    section += _paragraph("고치는 방법:", *inline_code(rule.fix_ko))
    if rule.family and rule.docs_url:
        where = rule.docs_url.replace("{code}", "<코드>")
        page = rule.docs_url.split("{code}", 1)[0]
        section += _paragraph(
            "코드별 설명:",
            nodes.Text("도구의 설명 페이지 "),
            nodes.reference("", where, refuri=page),
            nodes.Text("에 있습니다. 경고 목록의 코드는 그 페이지로 바로 연결됩니다."),
        )
    english = nodes.paragraph(classes=["rule-english"])
    english += nodes.Text(f"{rule.summary_en} Fix: {rule.fix_en}")
    section += english
    return section


class RuleCatalogueDirective(SphinxDirective):
    """Every rule set as a section, every rule as an entry (id = the rule id)."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        summary = nodes.paragraph()
        total = len(catalogue.all_rules())
        summary += nodes.Text(f"검사 규칙은 모두 {total}개입니다.")
        out.append(summary)
        for ruleset in catalogue.RULE_SETS:
            section_id = f"rules-{ruleset.rules[0].id}" if ruleset.rules else ruleset.tool
            section = nodes.section(ids=[section_id], names=[ruleset.title_ko])
            section += nodes.title(ruleset.title_ko, ruleset.title_ko)
            for rule in ruleset.rules:
                section += _entry(rule)
            out.append(section)
        return out


def resolve_rule_references(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Each rule_reference → a link to its entry on the rule page (or the tool's own page)."""
    has_page = RULE_DOC in app.env.found_docs
    for node in list(doctree.findall(rule_reference)):
        rule_id = node["rule_id"]
        rule = catalogue.lookup(rule_id)
        literal = nodes.literal(rule_id, rule_id)
        if rule is not None and rule.family and rule.docs_url and "{code}" in rule.docs_url:
            uri = rule.member_url(rule_id)
        elif rule is not None and has_page:
            uri = app.builder.get_relative_uri(docname, RULE_DOC) + f"#{rule.anchor}"
        else:
            uri = None
        if uri is None:
            node.replace_self(literal)
        else:
            reference = nodes.reference("", "", literal, refuri=uri, internal=uri.startswith("#"))
            node.replace_self(reference)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_node(rule_reference)
    app.add_directive("rule-catalogue", RuleCatalogueDirective)
    app.connect("doctree-resolved", resolve_rule_references)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}

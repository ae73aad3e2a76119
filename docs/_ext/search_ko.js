/**
 * The handbook's search page: Korean query analysis, ranking and results with snippets.
 *
 * The index (_static/search/index.js, written by korean_search.py) holds, per term, a BM25F
 * weight per page, plus the alias table, phrases, endings and stop words the build used. A
 * query word is stripped of its particle or ending only down to a stem the index knows
 * (컨테이너를 → 컨테이너, 지우기 → 지우); two words the pages write as one are joined
 * (컨피그 맵 → 컨피그맵), a word the pages write as two is split (롤링업데이트 → 롤링 업데이트),
 * and a word the index does not know is matched to one a letter away (네임스패이스).
 * No word is required: a page scores the sum of its weights for the query's words, scaled by
 * the share of the query (by idf) it covers, and the page lists the pages that score at least
 * DEFAULTS.relativeCutoff of the best. Snippets come from small per-page files, fetched only for the
 * results shown.
 *
 * Node can load this file too (module.exports): tests run the same engine on a built index.
 */
(function (root) {
  "use strict";

  const HANGUL = /^[가-힣]+$/;
  const PIECE = /[가-힣]+|[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*/g;
  const ASCII_PART = /[A-Za-z0-9]+/g;
  const DEFAULTS = {
    relativeCutoff: 0.45, // a page scoring under this share of the best is not listed
    coveragePower: 1.5, // how much a page loses for each query word it lacks
    maxResults: 10,
    titleBonus: 0.5, // a page whose title has every query word scores up to (1 + this) times more
    fuzzyWeight: 0.7, // a typo's match counts for less than the word itself
    splitWeight: 0.9, // a compound split into two known words
  };
  const MIN_FUZZY_HANGUL = 3; // syllables: shorter words only allow a one-jamo slip
  const MIN_FUZZY_LATIN = 5;
  const SNIPPET_CHARS = 180;
  const EAGER_SNIPPETS = 5; // results whose snippet loads at once; the rest when scrolled to
  const RARE_COMPOUND = 2; // pages: a known compound this rare is searched as its parts

  const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

  /** "0a1b…" → [page, weight, page, weight, …]. */
  function decode(text, width) {
    const number = (from, size) => {
      let value = 0;
      for (let i = from; i < from + size; i++) value = value * DIGITS.length + DIGITS.indexOf(text[i]);
      return value;
    };
    const out = [];
    for (let i = 0; i < text.length; i += width + 2) out.push(number(i, width), number(i + width, 2));
    return out;
  }

  /** Jamo of a Hangul syllable: [initial, medial, final]. */
  const jamo = (ch) => {
    const code = ch.charCodeAt(0) - 0xac00;
    return [Math.floor(code / 588), Math.floor((code % 588) / 28), code % 28];
  };

  const syllable = (initial, medial, final) =>
    String.fromCharCode(0xac00 + initial * 588 + medial * 28 + final);
  // a verb stem's last vowel merged with 어/아: ㅝ←ㅜ ㅘ←ㅗ ㅙ←ㅚ ㅕ←ㅣ ㅓ←ㅡ (바꿔, 봐, 됐, 늘려, 써)
  const MERGED_VOWEL = { 14: 13, 9: 8, 10: 11, 6: 20, 4: 18 };
  const PAST = 20; // final ㅆ

  /** Dictionary forms of a stem a conjugation merged (바꿨 → 바꾸, 만들었 → 만들, 했 → 하). */
  function unmerge(stem) {
    const last = stem[stem.length - 1];
    if (!last || !HANGUL.test(last)) return [];
    const [initial, medial, final] = jamo(last);
    if (final !== 0 && final !== PAST) return [];
    const head = stem.slice(0, -1);
    const out = [];
    if (initial === 11 && final === PAST && [0, 4, 6].includes(medial) && head) out.push(head); // 었
    if (medial in MERGED_VOWEL) out.push(head + syllable(initial, MERGED_VOWEL[medial], 0));
    if (initial === 18 && medial === 1) out.push(head + syllable(18, 0, 0)); // 해, 했 → 하
    if (final === PAST) out.push(head + syllable(initial, medial, 0)); // 갔 → 가
    return out;
  }

  /** One substitution, insertion, deletion or swap of neighbours apart (never equal). */
  function oneEditApart(a, b) {
    if (a === b) return false;
    const la = a.length;
    const lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    if (la === lb) {
      const diff = [];
      for (let i = 0; i < la; i++) if (a[i] !== b[i]) diff.push(i);
      if (diff.length === 1) return true;
      return (
        diff.length === 2 &&
        diff[1] === diff[0] + 1 &&
        a[diff[0]] === b[diff[1]] &&
        a[diff[1]] === b[diff[0]]
      );
    }
    const [short, long] = la < lb ? [a, b] : [b, a];
    let i = 0;
    while (i < short.length && short[i] === long[i]) i++;
    return short.slice(i) === long.slice(i + 1);
  }

  /** Two Hangul words of the same length that differ in one jamo (채크 / 체크). */
  function oneJamoApart(a, b) {
    if (a.length !== b.length || a === b) return false;
    let changed = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const x = jamo(a[i]);
      const y = jamo(b[i]);
      changed += (x[0] !== y[0]) + (x[1] !== y[1]) + (x[2] !== y[2]);
      if (changed > 1) return false;
    }
    return changed === 1;
  }

  class Engine {
    constructor(index, options = {}) {
      this.options = { ...DEFAULTS, ...options };
      this.docs = index.docs.map(([docname, title]) => ({ docname, title }));
      this.titleTerms = index.docs.map(([, , terms]) => new Set(terms));
      // postings: per page its number and weight as digits of DIGITS (search_index.py)
      this.terms = {};
      for (const [term, text] of Object.entries(index.terms)) this.terms[term] = decode(text, index.width);
      this.aliases = index.aliases;
      this.phrases = index.phrases.map(([term, words]) => ({ term, words }));
      this.endings = new Set(index.endings);
      this.stopwords = new Set(index.stopwords);
      // what a typo may be one letter away from: the terms and every word that stands for one
      this.vocabulary = [...new Set([...Object.keys(index.terms), ...Object.keys(index.aliases)])];
      this.written = {}; // term → the words that stand for it (for snippets)
      for (const [word, term] of Object.entries(index.aliases))
        (this.written[term] = this.written[term] || []).push(word);
    }

    has(term) {
      return Object.prototype.hasOwnProperty.call(this.terms, term);
    }

    canon(word) {
      return Object.prototype.hasOwnProperty.call(this.aliases, word) ? this.aliases[word] : word;
    }

    /** The term a word stands for, if the index has it. */
    known(word) {
      const term = this.canon(word);
      return this.has(term) ? term : null;
    }

    df(term) {
      return this.has(term) ? this.terms[term].length / 2 : 0;
    }

    idf(term) {
      const n = this.docs.length;
      const df = this.df(term);
      return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    }

    /** The word, then the word without each ending it may carry, longest stem first. */
    stems(word) {
      const out = [];
      for (let cut = word.length; cut >= 1; cut--) {
        const suffix = word.slice(cut);
        if (suffix === "" || this.endings.has(suffix)) out.push(word.slice(0, cut));
      }
      return out;
    }

    /** Split a compound into two or three known words of 2+ syllables (fewest parts wins). */
    segment(word) {
      const best = [[]];
      for (let end = 1; end <= word.length; end++) {
        best[end] = null;
        // parts of 2+ syllables; one syllable only at the end of a 3+ syllable word (설정값)
        const shortest = end === word.length && word.length >= 3 ? 1 : 2;
        for (let start = Math.max(0, end - 12); start <= end - shortest; start++) {
          const prev = best[start];
          const term = end - start < word.length && this.known(word.slice(start, end));
          if (prev && term && (!best[end] || prev.length + 1 < best[end].length))
            best[end] = [...prev, term];
        }
      }
      const parts = best[word.length];
      return parts && parts.length >= 2 && parts.length <= 3 ? parts : null;
    }

    /** Known terms one typo away, the most common first. */
    nearby(word) {
      const hangul = HANGUL.test(word);
      if (word.length < (hangul ? 2 : MIN_FUZZY_LATIN)) return [];
      const long = !hangul || word.length >= MIN_FUZZY_HANGUL;
      const found = this.vocabulary.filter((known) =>
        long ? oneEditApart(word, known) && HANGUL.test(known) === hangul : oneJamoApart(word, known),
      );
      const terms = [...new Set(found.map((w) => this.known(w)).filter(Boolean))];
      return terms.sort((a, b) => this.df(b) - this.df(a) || (a < b ? -1 : 1)).slice(0, 2);
    }

    /** Query groups of one Hangul word: [[ [term, weight], ... ], ...]. */
    resolveHangul(word) {
      const stems = this.stems(word);
      for (const stem of stems) {
        if (this.stopwords.has(stem)) return [];
        const term = this.known(stem);
        if (!term) continue;
        // a compound only a page or two writes joined is a spacing variant (설정값 → 설정 값)
        const parts = this.df(term) <= RARE_COMPOUND ? this.segment(stem) : null;
        return parts ? parts.map((part) => [[part, 1]]) : [[[term, 1]]];
      }
      for (const stem of stems) {
        const term = unmerge(stem).map((form) => this.known(form)).find(Boolean);
        if (term && !this.stopwords.has(term)) return [[[term, 1]]];
      }
      for (const stem of stems) {
        const parts = this.segment(stem);
        if (parts) return parts.map((term) => [[term, this.options.splitWeight]]);
      }
      for (const stem of stems) {
        const near = this.nearby(stem);
        if (near.length) return [near.map((term) => [term, this.options.fuzzyWeight])];
      }
      return [];
    }

    /** Query groups of one Latin word (kubectl, metrics-server, dokcer). */
    resolveLatin(piece) {
      const parts = (piece.toLowerCase().match(ASCII_PART) || []).filter(
        (p) => p.length > 1 && !/^\d+$/.test(p),
      );
      if (piece.includes("-") && parts.length > 1) {
        const joined = this.known(parts.join(""));
        if (joined) return [[[joined, 1]]];
      }
      const groups = [];
      for (const part of parts) {
        if (this.stopwords.has(part)) continue;
        const term = this.known(part);
        if (term) groups.push([[term, 1]]);
        else {
          const near = this.nearby(part);
          if (near.length) groups.push(near.map((t) => [t, this.options.fuzzyWeight]));
        }
      }
      return groups;
    }

    /** The words of a query as the index splits text (a particle after a Latin word goes). */
    pieces(query) {
      const out = [];
      for (const match of query.matchAll(PIECE)) {
        const text = match[0];
        const last = out[out.length - 1];
        const afterLatin = last && last.end === match.index && !HANGUL.test(last.text);
        if (afterLatin && HANGUL.test(text) && this.endings.has(text)) continue;
        const spaced = Boolean(last) && !query.slice(last.end, match.index).trim();
        out.push({ text, end: match.index + text.length, hangul: HANGUL.test(text), spaced });
      }
      return out;
    }

    /** A query as groups of alternative [term, weight]; a page matches a group by any one. */
    parse(query) {
      const words = this.pieces(query.normalize("NFC"));
      // what each word may stand for in a phrase (search_terms.forms)
      const forms = words.map((w) => new Set(w.hangul ? this.stems(w.text) : [w.text.toLowerCase()]));
      const groups = [];
      const used = new Array(words.length).fill(false);
      // phrases the pages write in several words (롤링 업데이트, pod security admission)
      for (const { term, words: phrase } of this.phrases) {
        for (let i = 0; i + phrase.length <= words.length; i++) {
          if (used.slice(i, i + phrase.length).some(Boolean)) continue;
          if (words.slice(i + 1, i + phrase.length).some((w) => !w.spaced)) continue;
          if (phrase.every((w, k) => forms[i + k].has(w)) && this.has(term)) {
            groups.push([[term, 1]]);
            used.fill(true, i, i + phrase.length);
          }
        }
      }
      for (let i = 0; i < words.length; i++) {
        if (used[i]) continue;
        const word = words[i];
        const next = words[i + 1];
        // two words the pages write as one (컨피그 맵 → 컨피그맵, 스토리지 클래스를)
        if (word.hangul && next && next.hangul && !used[i + 1]) {
          const joined = this.stems(word.text + next.text)
            .filter((stem) => stem.length > word.text.length)
            .map((stem) => this.known(stem))
            .find(Boolean);
          if (joined) {
            groups.push([[joined, 1]]);
            used[i] = used[i + 1] = true;
            continue;
          }
        }
        if (this.stopwords.has(word.text.toLowerCase())) continue;
        groups.push(...(word.hangul ? this.resolveHangul(word.text) : this.resolveLatin(word.text)));
      }
      // the same term twice (파드 파드를) counts once
      const seen = new Set();
      return groups.filter((g) => {
        const key = g.map(([t]) => t).join(" ");
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }

    /** Ranked results: [{docname, title, score, terms}], best first. */
    search(query) {
      const groups = this.parse(query);
      if (!groups.length) return [];
      const scores = new Map(); // doc → [sum, covered idf, query words in the title]
      let totalIdf = 0;
      for (const group of groups) {
        const idf = Math.max(...group.map(([term]) => this.idf(term)));
        totalIdf += idf;
        const best = new Map();
        for (const [term, weight] of group) {
          const postings = this.terms[term];
          const termIdf = this.idf(term);
          for (let k = 0; k < postings.length; k += 2) {
            const value = postings[k + 1] * termIdf * weight;
            if (value > (best.get(postings[k]) || 0)) best.set(postings[k], value);
          }
        }
        for (const [doc, value] of best) {
          const entry = scores.get(doc) || [0, 0, 0];
          entry[0] += value;
          entry[1] += idf;
          entry[2] += group.some(([term]) => this.titleTerms[doc].has(term)) ? 1 : 0;
          scores.set(doc, entry);
        }
      }
      const { coveragePower, titleBonus } = this.options;
      // the title bonus orders the pages; which pages are listed is decided without it
      const ranked = [...scores].map(([doc, [sum, covered, inTitle]]) => {
        const base = sum * Math.pow(covered / totalIdf, coveragePower);
        const score = base * (1 + (titleBonus * inTitle) / groups.length);
        return { ...this.docs[doc], base, score };
      });
      ranked.sort((a, b) => b.score - a.score || (a.docname < b.docname ? -1 : 1));
      const best = Math.max(0, ...ranked.map((r) => r.base));
      const terms = groups.flat().map(([term]) => term);
      return ranked
        .filter((r) => r.base >= this.options.relativeCutoff * best)
        .slice(0, this.options.maxResults)
        .map((r) => ({ ...r, terms }));
    }

    /** Words to look for in a page's text: each term and the words that stand for it. */
    spellings(query) {
      const words = new Set();
      for (const w of this.pieces(query)) {
        const stem = w.hangul ? this.stems(w.text).find((s) => this.known(s)) : null;
        words.add((stem || w.text).toLowerCase());
      }
      for (const group of this.parse(query))
        for (const [term] of group) {
          words.add(term);
          for (const written of this.written[term] || []) words.add(written);
        }
      return [...words].filter((w) => (w.length > 1 || HANGUL.test(w)) && !this.stopwords.has(w));
    }
  }

  /** The best section of a page for these words, and a piece of its text around the first one. */
  function snippet(sections, words) {
    let best = null;
    for (const [anchor, title, text] of sections) {
      const lower = (title + " " + text).toLowerCase();
      const hits = words.filter((w) => lower.includes(w)).length;
      if (hits && (!best || hits > best.hits)) best = { anchor, title, text, hits };
    }
    if (!best) {
      const [anchor, title, text] = sections[0] || ["", "", ""];
      return { anchor, title, text: text.slice(0, SNIPPET_CHARS) };
    }
    // the window of the section that holds the most of the words
    const lower = best.text.toLowerCase();
    const hits = [];
    for (const w of words) for (let i = lower.indexOf(w); i >= 0; i = lower.indexOf(w, i + 1)) hits.push(i);
    let start = 0;
    let most = -1;
    for (const hit of hits) {
      const from = Math.max(0, Math.min(hit - 40, best.text.length - SNIPPET_CHARS));
      const window = lower.slice(from, from + SNIPPET_CHARS);
      const count = words.filter((w) => window.includes(w)).length;
      if (count > most || (count === most && from < start)) [start, most] = [from, count];
    }
    const excerpt = best.text.slice(start, start + SNIPPET_CHARS);
    return {
      anchor: best.anchor,
      title: best.title,
      text: (start > 0 ? "… " : "") + excerpt + (start + SNIPPET_CHARS < best.text.length ? " …" : ""),
    };
  }

  // --- the page -----------------------------------------------------------------------------

  let resolveReady;
  const ready = new Promise((resolve) => (resolveReady = resolve));
  const snippetFiles = {};

  const HandbookSearch = {
    Engine,
    snippet,
    ready,
    setIndex(index) {
      resolveReady(new Engine(index));
    },
    addSnippets(docname, sections) {
      (snippetFiles[docname] || HandbookSearch._snippetFile(docname)).resolve(sections);
    },
    _snippetFile(docname) {
      let resolve;
      const promise = new Promise((r) => (resolve = r));
      snippetFiles[docname] = { promise, resolve };
      return snippetFiles[docname];
    },
    /** Load the snippet file of one page (a script, so that file:// works too). */
    snippets(docname) {
      const entry = snippetFiles[docname] || HandbookSearch._snippetFile(docname);
      if (!entry.requested) {
        entry.requested = true;
        const script = document.createElement("script");
        script.src = `${contentRoot()}_static/search/pages/${docname}.js`;
        script.onerror = () => entry.resolve([]);
        document.head.appendChild(script);
      }
      return entry.promise;
    },
  };

  const contentRoot = () => document.documentElement.dataset.content_root || "";
  const say = (text) =>
    typeof Documentation !== "undefined" ? Documentation.gettext(text) : text;

  function escapeHTML(text) {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  function mark(text, words) {
    let html = escapeHTML(text);
    const sorted = [...words].sort((a, b) => b.length - a.length).map(escapeHTML);
    if (!sorted.length) return html;
    const pattern = new RegExp(sorted.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gi");
    html = html.replace(pattern, (m) => `<span class="highlighted">${m}</span>`);
    return html;
  }

  async function render(query) {
    const out = document.getElementById("search-results");
    if (!out) return;
    const heading = out.appendChild(document.createElement("h2"));
    heading.textContent = say("Searching");
    const summary = out.appendChild(document.createElement("p"));
    summary.classList.add("search-summary");
    const list = out.appendChild(document.createElement("ul"));
    list.setAttribute("role", "list");
    list.classList.add("search");
    const engine = await ready;
    const results = engine.search(query);
    const words = engine.spellings(query);
    const suffix = (typeof DOCUMENTATION_OPTIONS !== "undefined" && DOCUMENTATION_OPTIONS.LINK_SUFFIX) || ".html";
    // a result below the first few gets its snippet file when it comes into view
    const later = new Map();
    const observer =
      typeof IntersectionObserver === "undefined"
        ? null
        : new IntersectionObserver((entries) => {
            for (const entry of entries)
              if (entry.isIntersecting && later.has(entry.target)) {
                later.get(entry.target)();
                later.delete(entry.target);
                observer.unobserve(entry.target);
              }
          });
    results.forEach((result, rank) => {
      const item = list.appendChild(document.createElement("li"));
      item.classList.add("kind-text");
      const link = item.appendChild(document.createElement("a"));
      link.href = contentRoot() + result.docname + suffix;
      link.dataset.docname = result.docname;
      link.textContent = result.title;
      const context = item.appendChild(document.createElement("p"));
      context.classList.add("context");
      const load = () =>
        HandbookSearch.snippets(result.docname).then((sections) => {
          const piece = snippet(sections, words);
          if (piece.anchor) link.href += `#${piece.anchor}`;
          const where = piece.title && piece.title !== result.title ? `${piece.title}: ` : "";
          context.innerHTML = escapeHTML(where) + mark(piece.text, words);
        });
      if (rank < EAGER_SNIPPETS || !observer) load();
      else {
        later.set(item, load);
        observer.observe(item);
      }
    });
    heading.textContent = say("Search Results");
    if (!results.length)
      summary.innerText = say(
        "Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.",
      );
    else
      summary.innerText = (
        typeof Documentation !== "undefined"
          ? Documentation.ngettext(
              "Search finished, found one page matching the search query.",
              "Search finished, found ${resultCount} pages matching the search query.",
              results.length,
            )
          : `${results.length}`
      ).replace("${resultCount}", results.length);
  }

  function start() {
    const query = new URLSearchParams(window.location.search).get("q");
    document.querySelectorAll('input[name="q"]').forEach((el) => (el.value = query || ""));
    if (query) render(query);
  }

  if (typeof module !== "undefined" && module.exports) module.exports = HandbookSearch;
  else {
    root.HandbookSearch = HandbookSearch;
    if (document.readyState !== "loading") start();
    else document.addEventListener("DOMContentLoaded", start);
  }
})(typeof globalThis !== "undefined" ? globalThis : this);

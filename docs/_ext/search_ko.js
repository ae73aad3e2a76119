/**
 * Korean query stemmer for Sphinx's searchtools.js (embedded in language_data.js).
 *
 * Strips the particle or ending from each query word with the same rules the index
 * used (korean_search.strip_particles), so "컨테이너를", "배포하기" and "kubectl로"
 * look up "컨테이너", "배포" and "kubectl". The endings list is filled in by Python.
 */
const KO_ENDINGS = /*ENDINGS*/[];
const KO_HANGUL = /^[가-힣]+$/;
const KO_ASCII_THEN_HANGUL = /^([0-9a-z_]*[a-z][0-9a-z_]*)[가-힣]+$/;

function koStripParticles(word) {
  const lower = word.toLowerCase();
  const mixed = lower.match(KO_ASCII_THEN_HANGUL);
  if (mixed) return mixed[1];
  if (!KO_HANGUL.test(lower)) return lower;
  for (const ending of KO_ENDINGS) {
    const keep = lower.length - ending.length;
    // one-syllable endings only off words of 3+ syllables: 결과 and 정의 stay whole
    if (lower.endsWith(ending) && keep >= (ending.length === 1 ? 2 : 1)) {
      return lower.slice(0, keep);
    }
  }
  return lower;
}

var Stemmer = function () {
  this.stemWord = koStripParticles;
};

/**
 * Every query word is required. searchtools.js lets results through that miss words of
 * two characters or fewer (a rule made for English), but 파드, 도커 and 배포 are two
 * characters: keep only the pages that contain every stemmed term.
 */
function koPageHasTerm(index, file, term) {
  const has = (mapping, key) => {
    if (!Object.prototype.hasOwnProperty.call(mapping, key)) return false;
    const files = mapping[key];
    return files === file || (Array.isArray(files) && files.includes(file));
  };
  for (const mapping of [index.terms, index.titleterms]) {
    if (has(mapping, term)) return true;
    // searchtools.js also matches longer terms that contain a 3+ character query word
    if (term.length > 2 && Object.keys(mapping).some((key) => key.includes(term) && has(mapping, key)))
      return true;
  }
  return false;
}

function koRequireEveryTerm(search) {
  if (search._koRequireEveryTerm) return;
  search._koRequireEveryTerm = true;
  const performTermsSearch = search.performTermsSearch;
  search.performTermsSearch = (searchTerms, excludedTerms) => {
    const results = performTermsSearch(searchTerms, excludedTerms);
    const index = search._index;
    return results.filter((result) => {
      const file = index.docnames.indexOf(result[0]);
      return [...searchTerms].every((term) => koPageHasTerm(index, file, term));
    });
  };
}

if (typeof Search !== "undefined") koRequireEveryTerm(Search);

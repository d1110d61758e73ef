import fc from 'fast-check';

// The property tests draw new cases on every run, which is how they find bugs (a mapping `title: {toString: []}`
// was found this way). In CI (`CI` set, as .ci/run and GitHub Actions do) they use one fixed seed instead, so
// whether a commit lands depends on the commit alone; runs elsewhere keep exploring, and a failure prints the
// seed and path that reproduce it (`fc.assert(…, { seed, path })`).
const ci = process.env.CI;
if (ci !== undefined && ci !== '' && ci !== 'false') fc.configureGlobal({ seed: 20_261_124 });

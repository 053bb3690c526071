/** Token handling shared by task clustering and preference clustering. */
const STOPWORDS = new Set(
  ('a an the and or but if then else of to in on at for from by with without into onto over under about as is are was were be been ' +
    'being it its this that these those there here i me my we our you your he she they them their his her do does did done doing ' +
    'can could would should will shall may might must have has had having not no nor so too very just also only than such some any ' +
    'all each every both before after few more most other own same what which who whom whose when where why how again further once up down out off ' +
    'please pls thanks thank ok okay hi hello hey let lets let\'s make sure want need like get got go going im i\'m it\'s dont don\'t').split(/\s+/),
);

/** committ → commit, runn → run */
function undouble(stemmed: string): string {
  return /([bdgmnprt])\1$/.test(stemmed) ? stemmed.slice(0, -1) : stemmed;
}

/** Light suffix stripping so "pushing", "pushed" and "pushes" meet at "push". */
export function stem(token: string): string {
  if (token.length > 5 && token.endsWith('ing')) return undouble(token.slice(0, -3));
  if (token.length > 4 && token.endsWith('ied')) return `${token.slice(0, -3)}y`;
  if (token.length > 4 && token.endsWith('ed')) return undouble(token.slice(0, -2));
  if (token.length > 4 && token.endsWith('es') && /(ss|sh|ch|x)es$/.test(token)) return token.slice(0, -2);
  if (token.length > 3 && token.endsWith('s') && !token.endsWith('ss')) return token.slice(0, -1);
  return token;
}

/** Lower-cased word tokens without numbers, ids, stopwords or `extraStop`; stemmed; order kept, duplicates removed. */
export function contentTokens(text: string, extraStop?: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of text.toLowerCase().split(/[^a-z0-9']+/)) {
    const w = raw.replace(/^'+|'+$/g, '');
    if (w.length < 2 || /\d/.test(w) || STOPWORDS.has(w) || extraStop?.has(w)) continue;
    const s = stem(w);
    if (extraStop?.has(s) || seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const sa = new Set(a);
  let inter = 0;
  for (const x of new Set(b)) if (sa.has(x)) inter++;
  return inter / (sa.size + new Set(b).size - inter);
}

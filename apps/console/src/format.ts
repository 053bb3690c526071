export const age = (iso: string | undefined): string => {
  if (!iso) return '';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 129_600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
};
export const pct = (x: number | undefined): string => (x === undefined ? '–' : `${Math.round(x * 100)}%`);
export const short = (t: string, n = 120): string => (t.length > n ? `${t.slice(0, n - 1)}…` : t);
export const dateTime = (iso: string | undefined): string => (iso ? iso.replace('T', ' ').slice(0, 16) : '');

/**
 * robots.txt as RFC 9309 reads it, for one product token: the groups naming the token (exactly,
 * case-insensitively) merged into one, else the `*` groups merged; the longest matching rule
 * decides, Allow winning a tie; `/robots.txt` itself is always allowed. Matching takes time
 * proportional to path × pattern at worst: no regular expression, no backtracking, whatever
 * the file says.
 */
export interface Robots {
  allows(path: string): boolean;
  crawlDelaySeconds: number | null;
}

export const ALLOW_ALL: Robots = { allows: () => true, crawlDelaySeconds: null };

interface Rule {
  allow: boolean;
  pattern: string;
}

interface Group {
  agents: string[];
  rules: Rule[];
  delay: number | null;
}

/** Longest file and line read: what a robots.txt may hold before the rest is ignored (RFC 9309 §2.5 asks for ≥ 500 KiB). */
const MAX_BYTES = 512 * 1024;
const MAX_PATTERN = 2048;

/**
 * Does `pattern` (with `*` for any run of characters and a final `$` for the end) match the
 * start of `path`? The set of positions the pattern can have reached in the path is carried
 * along the pattern, once per pattern character: at most |path| positions each step.
 */
export function matches(pattern: string, path: string): boolean {
  let positions: number[] = [0];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '$' && i === pattern.length - 1) return positions.includes(path.length);
    if (c === '*') {
      const from = positions[0]!; // positions stay sorted: the smallest is first
      positions = [];
      for (let p = from; p <= path.length; p++) positions.push(p);
      continue;
    }
    const next: number[] = [];
    for (const p of positions) if (path[p] === c) next.push(p + 1);
    if (next.length === 0) return false;
    positions = next;
  }
  return true;
}

/** The product token a User-agent line names: its leading letters, `_` and `-`, lower-cased. */
function productToken(value: string): string {
  return value === '*' ? '*' : (/^[A-Za-z_-]+/.exec(value)?.[0] ?? '').toLowerCase();
}

function parseGroups(text: string): Group[] {
  const groups: Group[] = [];
  let current: Group | null = null;
  let lastWasAgent = false;
  for (const raw of text.slice(0, MAX_BYTES).split(/\r\n|\n|\r/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'user-agent') {
      if (!current || !lastWasAgent) groups.push((current = { agents: [], rules: [], delay: null }));
      current.agents.push(productToken(value));
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current) continue; // rules before any User-agent belong to no group
    if ((key === 'allow' || key === 'disallow') && value !== '' && value.length <= MAX_PATTERN) {
      current.rules.push({ allow: key === 'allow', pattern: value });
    } else if (key === 'crawl-delay' && value !== '' && Number.isFinite(Number(value)) && Number(value) >= 0) {
      current.delay = Math.max(current.delay ?? 0, Number(value));
    }
  }
  return groups;
}

/** Parse robots.txt for the crawler whose product token is `agent` (e.g. `zipin`). */
export function parseRobots(text: string, agent: string): Robots {
  const groups = parseGroups(text);
  const token = productToken(agent);
  let chosen = groups.filter((g) => g.agents.includes(token));
  if (chosen.length === 0) chosen = groups.filter((g) => g.agents.includes('*'));
  if (chosen.length === 0) return ALLOW_ALL;
  const rules = chosen.flatMap((g) => g.rules);
  const delays = chosen.map((g) => g.delay).filter((d): d is number => d !== null);
  return {
    crawlDelaySeconds: delays.length > 0 ? Math.max(...delays) : null,
    allows(path: string) {
      if (path === '/robots.txt') return true;
      let best: Rule | null = null;
      for (const r of rules) {
        if (best !== null && (r.pattern.length < best.pattern.length || (r.pattern.length === best.pattern.length && !r.allow))) continue;
        if (matches(r.pattern, path)) best = r;
      }
      return best === null || best.allow;
    },
  };
}

/** robots.txt rules for one user agent: the longest matching Allow/Disallow prefix wins. */
export interface Robots {
  allows(path: string): boolean;
  crawlDelaySeconds: number | null;
}

const ALLOW_ALL: Robots = { allows: () => true, crawlDelaySeconds: null };

function toRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped.endsWith('\\$') ? `${escaped.slice(0, -2)}$` : escaped}`);
}

/** Parse robots.txt for `agent` (the group naming it, else the `*` group). */
export function parseRobots(text: string, agent: string): Robots {
  const groups: Array<{ agents: string[]; rules: Array<{ allow: boolean; pattern: string }>; delay: number | null }> = [];
  let current: (typeof groups)[number] | null = null;
  let lastWasAgent = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (key === 'user-agent') {
      if (!current || !lastWasAgent) groups.push((current = { agents: [], rules: [], delay: null }));
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (!current) continue;
    if (key === 'allow' || key === 'disallow') {
      if (value !== '') current.rules.push({ allow: key === 'allow', pattern: value });
    } else if (key === 'crawl-delay' && Number.isFinite(Number(value))) {
      current.delay = Number(value);
    }
  }
  const name = agent.toLowerCase();
  const group = groups.find((g) => g.agents.some((a) => a !== '*' && name.includes(a))) ?? groups.find((g) => g.agents.includes('*'));
  if (!group) return ALLOW_ALL;
  const rules = group.rules.map((r) => ({ ...r, re: toRegExp(r.pattern) }));
  return {
    crawlDelaySeconds: group.delay,
    allows(path: string) {
      let best: { allow: boolean; length: number } | null = null;
      for (const r of rules) {
        if (r.re.test(path) && (best === null || r.pattern.length > best.length || (r.pattern.length === best.length && r.allow))) {
          best = { allow: r.allow, length: r.pattern.length };
        }
      }
      return best === null || best.allow;
    },
  };
}

export { ALLOW_ALL };

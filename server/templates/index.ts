import breakout from './breakout.json' with { type: 'json' };
import meanReversion from './mean-reversion.json' with { type: 'json' };
import momentumRotation from './momentum-rotation.json' with { type: 'json' };
import regimeSwitching from './regime-switching.json' with { type: 'json' };
import rsiWithStop from './rsi-with-stop.json' with { type: 'json' };
import spreadMeanReversion from './spread-mean-reversion.json' with { type: 'json' };
import trendFollowing from './trend-following.json' with { type: 'json' };
import volatilityTargeting from './volatility-targeting.json' with { type: 'json' };
import { StrategyTemplate } from './schema.ts';

/** Every template, in gallery order. An explicit list: adding a template means adding it here. */
const sources: readonly unknown[] = [
  trendFollowing,
  meanReversion,
  breakout,
  rsiWithStop,
  volatilityTargeting,
  regimeSwitching,
  spreadMeanReversion,
  momentumRotation,
];

/** Parse the list; a malformed or duplicate template is a programming error and stops the server at start. */
export function loadTemplates(list: readonly unknown[]): readonly StrategyTemplate[] {
  const seen = new Set<string>();
  return list.map((source, i) => {
    const parsed = StrategyTemplate.safeParse(source);
    if (!parsed.success) {
      const id = (source as { id?: unknown } | null)?.id;
      throw new Error(`template ${typeof id === 'string' ? `"${id}"` : `#${i}`} is invalid: ${parsed.error.issues.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);
    }
    if (seen.has(parsed.data.id)) throw new Error(`template id "${parsed.data.id}" is used twice`);
    seen.add(parsed.data.id);
    return parsed.data;
  });
}

export const templates: readonly StrategyTemplate[] = loadTemplates(sources);

export function findTemplate(id: string): StrategyTemplate | undefined {
  return templates.find((t) => t.id === id);
}

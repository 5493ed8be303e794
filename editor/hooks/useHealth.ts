import { useEffect, useState } from 'react';
import { api, errorMessage, type Health } from '../api.ts';

export type HealthState = { state: 'checking' } | { state: 'up'; health: Health } | { state: 'down'; error: string };

/** Polls GET /api/health; faster while the server is unreachable so the app recovers promptly. */
export function useHealth(upMs = 15_000, downMs = 3_000): HealthState {
  const [health, setHealth] = useState<HealthState>({ state: 'checking' });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let next: HealthState;
      try {
        const health = await api.health();
        next =
          typeof health?.database?.ok === 'boolean' && typeof health?.temporal?.ok === 'boolean'
            ? { state: 'up', health }
            : { state: 'down', error: 'the health check answered something unexpected' };
      } catch (err) {
        next = { state: 'down', error: errorMessage(err) };
      }
      if (stopped) return;
      setHealth(next);
      timer = setTimeout(tick, next.state === 'up' ? upMs : downMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [upMs, downMs]);
  return health;
}

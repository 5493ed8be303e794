import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';

/**
 * A component whose code loads on first use, as its own chunk: panels and dialogs nobody sees when the
 * editor opens (research, deployments, a node's inspector, the strategy library, version history…) stay
 * out of the JavaScript the first paint downloads and evaluates, and with them the zod schemas some of
 * them validate with. `fallback` holds the place for the few milliseconds the chunk takes to arrive.
 *
 * @example const ResearchTab = lazyComponent(async () => (await import('./research/ResearchTab.tsx')).ResearchTab);
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>, fallback: ReactNode = null): ComponentType<P> {
  const Loaded = lazy(async () => ({ default: await load() }));
  function LazyComponent(props: P) {
    return (
      <Suspense fallback={fallback}>
        <Loaded {...props} />
      </Suspense>
    );
  }
  return LazyComponent;
}

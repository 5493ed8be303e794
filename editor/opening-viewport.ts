import { getViewportForBounds, type Rect, type Viewport } from '@xyflow/react';

/** How a loaded strategy is fitted to the canvas when it opens. */
export const fitViewOptions = { padding: 0.25, maxZoom: 1 };
export const minZoom = 0.2;
/**
 * Below this zoom node text is a few pixels tall and unreadable, so the canvas switches to an overview
 * look (styles.css, `.canvas.is-overview`): blocks in their category's colour, no text or shadows.
 * Rasterising ~300 nodes' text on every frame was what held panning a big strategy under 50 fps.
 */
export const overviewZoom = 0.5;
/** The least zoom a strategy opens at: titles and params legible, comfortably above the overview look. */
export const readableZoom = 0.65;

/**
 * Where a strategy opens: fitted to the canvas with a margin; tighter when that leaves it too small to
 * read; and when even that does, at a readable zoom from its left edge, where its data nodes are, the
 * rest a pan away (the minimap shows it whole). The templates opened as blank blocks on a 1440 × 900
 * screen (zoom 0.43, under the overview zoom) until this.
 */
export function openingViewport(bounds: Rect, width: number, height: number): Viewport {
  const fitted = getViewportForBounds(bounds, width, height, minZoom, fitViewOptions.maxZoom, fitViewOptions.padding);
  if (fitted.zoom >= readableZoom) return fitted;
  const tight = getViewportForBounds(bounds, width, height, minZoom, fitViewOptions.maxZoom, 0.05);
  if (tight.zoom >= readableZoom) return tight;
  const zoom = readableZoom, margin = 24;
  // Centred vertically when its height fits, else from its top.
  const y = bounds.height * zoom <= height - 2 * margin ? (height - bounds.height * zoom) / 2 - bounds.y * zoom : margin - bounds.y * zoom;
  return { x: margin - bounds.x * zoom, y, zoom };
}

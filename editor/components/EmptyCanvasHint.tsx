/** Shown over an empty canvas: where to begin. */
export function EmptyCanvasHint() {
  return (
    <div className="canvas-hint" data-testid="empty-hint">
      <div className="canvas-hint-title">Drag a data node from the palette to start</div>
      <div className="canvas-hint-body">
        <b>Synthetic bars</b> gives you prices to try ideas on. Add indicators, a signal and an order node, then wire outputs (right) to
        inputs (left).
      </div>
    </div>
  );
}

import type { Theme } from '../../theme.ts';

/**
 * The colours the charts draw with, per theme. lightweight-charts paints on a canvas and takes colour
 * strings, not CSS variables, so each theme's values live here, matched to styles.css.
 */
export interface ChartPalette {
  text: string;
  grid: string;
  border: string;
  separatorHover: string;
  crosshair: string;
  crosshairLabel: string;
  /** Reference lines: the starting cash, the zero return. */
  reference: string;
  /** A series drawn beneath the ones that matter (the close under a preview). */
  muted: string;
  /** Indicator lines over the price, in the server's order. */
  overlays: readonly string[];
  /** Oscillators in the pane below the price. */
  oscillators: readonly string[];
  /** A node's outputs in the preview, in port order. */
  preview: readonly string[];
}

export const chartPalettes: Record<Theme, ChartPalette> = {
  dark: {
    text: '#8a94a3',
    grid: '#1a2028',
    border: '#252c36',
    separatorHover: '#2d3541',
    crosshair: '#4a5566',
    crosshairLabel: '#2b3340',
    reference: '#5d6878',
    muted: '#5d6878',
    overlays: ['#f5c542', '#4fc3f7', '#ce93d8', '#ff8a65', '#81c784', '#90caf9', '#f48fb1', '#bcaaa4'],
    oscillators: ['#b39ddb', '#4dd0e1', '#ffcc80', '#a5d6a7', '#ef9a9a', '#80cbc4'],
    preview: ['#4fc3f7', '#ffb74d', '#ba68c8', '#81c784', '#f06292', '#fff176'],
  },
  // Darker, saturated lines: the dark theme's pastels wash out on white.
  light: {
    text: '#566172',
    grid: '#edf0f4',
    border: '#d9dee5',
    separatorHover: '#c4ccd6',
    crosshair: '#9aa5b4',
    crosshairLabel: '#566172',
    reference: '#7d8899',
    muted: '#a3adba',
    overlays: ['#c48a00', '#0277bd', '#8e24aa', '#e64a19', '#2e7d32', '#1565c0', '#c2185b', '#6d4c41'],
    oscillators: ['#5e35b1', '#00838f', '#ef6c00', '#388e3c', '#c62828', '#00796b'],
    preview: ['#0277bd', '#ef6c00', '#8e24aa', '#2e7d32', '#c2185b', '#b08800'],
  },
};

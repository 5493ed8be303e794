import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyLike } from './shortcuts.ts';

const press = (key: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('shortcuts', () => {
  it('maps Ctrl and Cmd combinations alike', () => {
    expect(shortcutFor(press('s', { ctrlKey: true }), false)).toBe('save');
    expect(shortcutFor(press('s', { metaKey: true }), false)).toBe('save');
    expect(shortcutFor(press('z', { metaKey: true }), false)).toBe('undo');
    expect(shortcutFor(press('Z', { ctrlKey: true, shiftKey: true }), false)).toBe('redo');
    expect(shortcutFor(press('y', { ctrlKey: true }), false)).toBe('redo');
    expect(shortcutFor(press('c', { ctrlKey: true }), false)).toBe('copy');
    expect(shortcutFor(press('v', { metaKey: true }), false)).toBe('paste');
    expect(shortcutFor(press('?', { shiftKey: true }), false)).toBe('help');
    expect(shortcutFor(press('d', { ctrlKey: true }), false)).toBe('duplicate');
    expect(shortcutFor(press('g', { metaKey: true }), false)).toBe('group');
    expect(shortcutFor(press('L', { ctrlKey: true, shiftKey: true }), false)).toBe('layout');
    expect(shortcutFor(press('l', { ctrlKey: true }), false)).toBeNull();
  });

  it('leaves typing in a field to the field, except save', () => {
    expect(shortcutFor(press('s', { ctrlKey: true }), true)).toBe('save');
    for (const k of ['z', 'c', 'v', 'a', 'd', 'g']) expect(shortcutFor(press(k, { ctrlKey: true }), true)).toBeNull();
    expect(shortcutFor(press('?', { shiftKey: true }), true)).toBeNull();
    // Backspace and Delete in a field edit its text; they never delete the selected node.
    expect(shortcutFor(press('Backspace'), true)).toBeNull();
    expect(shortcutFor(press('Delete'), true)).toBeNull();
  });

  it('deletes the selection with Delete or Backspace on the canvas', () => {
    expect(shortcutFor(press('Delete'), false)).toBe('delete');
    expect(shortcutFor(press('Backspace'), false)).toBe('delete');
    expect(shortcutFor(press('Delete', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(press('Backspace', { altKey: true }), false)).toBeNull();
  });

  it('ignores plain letters and Alt combinations', () => {
    expect(shortcutFor(press('z'), false)).toBeNull();
    expect(shortcutFor(press('z', { ctrlKey: true, altKey: true }), false)).toBeNull();
  });
});

/**
 * A React root in a happy-dom document for UI unit tests (test-only): created before each test,
 * unmounted and removed after it. Tests that use it declare `// @vitest-environment happy-dom`.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach } from 'vitest';

// Tells React that this is a test runner wrapping updates in act().
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface DomRoot {
  readonly container: HTMLElement;
  readonly root: Root;
}

/** Registers the hooks; the returned object's fields are the current test's. */
export function useDomRoot(): DomRoot {
  const current = { container: null as HTMLElement | null, root: null as Root | null };
  beforeEach(() => {
    current.container = document.createElement('div');
    document.body.append(current.container);
    current.root = createRoot(current.container);
  });
  afterEach(() => {
    act(() => current.root?.unmount());
    current.container?.remove();
  });
  return {
    get container() {
      return current.container!;
    },
    get root() {
      return current.root!;
    },
  };
}

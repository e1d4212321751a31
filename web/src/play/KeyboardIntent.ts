/**
 * The movement direction the keyboard holds (WASD and arrows). North is up on
 * the map, so W/↑ is +y. Keys typed into a text field are not movement.
 */
export class KeyboardIntent {
  private readonly held = new Set<string>();
  private readonly dispose: () => void;

  constructor(target: Window = window) {
    const down = (e: KeyboardEvent) => {
      if (isTyping(e) || !MOVE_KEYS.has(e.code)) return;
      this.held.add(e.code);
      e.preventDefault();
    };
    const up = (e: KeyboardEvent) => this.held.delete(e.code);
    // A key released while the window had no focus never sends keyup: forget everything.
    const blur = () => this.held.clear();
    target.addEventListener("keydown", down);
    target.addEventListener("keyup", up);
    target.addEventListener("blur", blur);
    this.dispose = () => {
      target.removeEventListener("keydown", down);
      target.removeEventListener("keyup", up);
      target.removeEventListener("blur", blur);
    };
  }

  /** Unit-length (or zero) direction. */
  direction(): { moveX: number; moveY: number } {
    const x = this.axis("KeyD", "ArrowRight") - this.axis("KeyA", "ArrowLeft");
    const y = this.axis("KeyW", "ArrowUp") - this.axis("KeyS", "ArrowDown");
    const length = Math.hypot(x, y);
    return length === 0 ? { moveX: 0, moveY: 0 } : { moveX: x / length, moveY: y / length };
  }

  release(): void {
    this.held.clear();
  }

  stop(): void {
    this.dispose();
  }

  private axis(a: string, b: string): number {
    return this.held.has(a) || this.held.has(b) ? 1 : 0;
  }
}

const MOVE_KEYS = new Set([
  "KeyW",
  "KeyA",
  "KeyS",
  "KeyD",
  "ArrowUp",
  "ArrowDown",
  "ArrowLeft",
  "ArrowRight",
]);

export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return (
    !!t &&
    (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)
  );
}

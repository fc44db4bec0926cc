/** Coalesces "something changed" requests into at most one callback per animation frame. */
export class FrameLoop {
  private requested = false;

  constructor(private readonly onFrame: (now: number) => void) {}

  request(): void {
    if (this.requested) return;
    this.requested = true;
    requestAnimationFrame((now) => {
      this.requested = false;
      this.onFrame(now);
    });
  }
}

/** Asks for confirmation with a native modal <dialog>; resolves true when confirmed. */
export function confirmWith(dialog: HTMLDialogElement): Promise<boolean> {
  return new Promise((resolve) => {
    dialog.returnValue = "";
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true });
    dialog.showModal();
  });
}

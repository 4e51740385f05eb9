/** Hands a file to the browser's downloads, named as given. */
export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has taken its copy by then; the URL only keeps the Blob alive.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// A progress bar on stderr, only when stderr is a terminal; silent otherwise.

import type { DecodeProgress } from '../decode/decode';
import { formatBytes } from './format';

const BAR_WIDTH = 30;
const REDRAW_MS = 100;

export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream, private readonly label: string) {}

  static forStderr(label: string): ProgressBar | null {
    return process.stderr.isTTY ? new ProgressBar(process.stderr, label) : null;
  }

  update(progress: DecodeProgress): void {
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const { bytesRead, bytesTotal } = progress;
    let line: string;
    if (bytesTotal !== null && bytesTotal > 0) {
      const share = Math.min(1, bytesRead / bytesTotal);
      const filled = Math.round(share * BAR_WIDTH);
      line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(share * 100).toFixed(0)}%`
        + ` ${formatBytes(bytesRead)} / ${formatBytes(bytesTotal)}`;
    } else {
      line = `${this.label} ${formatBytes(progress.bytesDecoded)} decoded`;
    }
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
  }
}

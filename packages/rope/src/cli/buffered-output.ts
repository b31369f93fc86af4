// Output gathered into large writes: a capture of a million packets means a million lines.
export class BufferedWriter {
  private chunks: string[] = [];
  private size = 0;

  constructor(
    private readonly sink: (text: string) => void,
    private readonly limit = 1 << 16,
  ) {}

  write = (text: string): void => {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= this.limit) this.flush();
  };

  flush(): void {
    if (this.chunks.length === 0) return;
    this.sink(this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }
}

/** Bounded LRU cache of parsed templates, keyed by name, delimiters, function set and source text. */
import type { ParsedTemplate } from "./exec.js";

export class TemplateCache {
  private readonly entries = new Map<string, ParsedTemplate>();
  constructor(private readonly capacity = 512) {}

  get(key: string): ParsedTemplate | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: ParsedTemplate): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Token-bucket rate limits per key (principal or client IP), in memory on each
 * API node. Over the limit: 429 with Retry-After. Buckets idle longer than a
 * minute are dropped so the map stays bounded by active clients.
 */
export interface RateLimit {
  /** Sustained requests per second. */
  rate: number;
  /** Largest burst. */
  burst: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private sweptAt = Date.now();

  constructor(private readonly limit: RateLimit) {}

  /** Takes a token for `key`; returns 0 if allowed, else seconds until one is free. */
  take(key: string, now = Date.now()): number {
    this.sweep(now);
    const b = this.buckets.get(key) ?? { tokens: this.limit.burst, at: now };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.rate);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.rate));
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k);
  }
}

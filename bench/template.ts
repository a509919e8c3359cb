/**
 * Benchmark: renders of a typical connection-string template (five actions) per second,
 * with ESO's function map and missingkey=error, after the first parse (later renders hit the parse cache). Run: node --import tsx bench/template.ts
 */
import { renderESO } from "../src/template/index.js";

const text =
  "postgres://{{ .username }}:{{ .password | urlquery }}@{{ .host }}:{{ .port }}/{{ .database }}?sslmode=require";
const data = { username: "app", password: "p@ss w/rd", host: "db.example.com", port: "5432", database: "orders" };

function measure(seconds: number): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 1000; i++) renderESO("conn", text, data);
    n += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  return (n * 1e9) / Number(elapsed);
}

renderESO("conn", text, data);
measure(0.5); // warm-up
const rate = measure(2);
console.log(`template: ${Math.round(rate).toLocaleString("en-US")} renders/s (connection string, 5 actions)`);
console.log(rate >= 100_000 ? "OK: >= 100,000 renders/s" : "BELOW TARGET: < 100,000 renders/s");

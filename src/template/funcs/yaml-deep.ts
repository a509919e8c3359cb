/**
 * Recursion without the JS stack: go-yaml accepts documents nested 10,000 levels deep (its scanner's limit), deeper
 * than V8's stack allows plain recursion. A step is written as a generator that yields each sub-problem and receives
 * its answer; `runDeep` drives the generators from an explicit stack, in the order plain recursion would.
 */
export type DeepStep<A, R> = (arg: A) => Generator<A, R, R>;

export function runDeep<A, R>(step: DeepStep<A, R>, arg: A): R {
  const stack = [step(arg)];
  let answer: R | undefined;
  while (stack.length > 0) {
    const next = stack[stack.length - 1]!.next(answer as R);
    if (next.done) {
      stack.pop();
      answer = next.value;
    } else {
      stack.push(step(next.value));
      answer = undefined;
    }
  }
  return answer as R;
}

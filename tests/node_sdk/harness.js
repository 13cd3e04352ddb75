// The conformance harness: a request executor that records every HTTP exchange the SDK makes (so a failure can name
// the request and the answer), the checks each family runs (one SDK call and what a real org answers to it), and the
// summary. Nothing here touches the SDK itself: the executor is its documented `requestExecutor` extension point.
const okta = require('@okta/okta-sdk-nodejs');

const STEP_TIMEOUT_MS = 15000;

/** The SDK's default executor (retries on 429 included), recording each exchange before the SDK reads it. */
class RecordingExecutor extends okta.DefaultRequestExecutor {
  constructor() {
    super();
    this.exchanges = [];
  }

  async parseResponse(request, response) {
    const text = await response.text();
    // The body is read once here, so the SDK gets an identical response built from the text.
    const copy = new response.constructor(text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      url: response.url,
    });
    this.exchanges.push({
      method: String(request.method || 'get').toUpperCase(),
      url: request.url,
      body: typeof request.body === 'string' ? request.body : request.body ? '[form data]' : undefined,
      status: response.status,
      link: response.headers.get('link') || undefined,
      response: text,
    });
    return super.parseResponse(request, copy);
  }
}

/** A wrong answer: what the org should have said and what it said. */
class Mismatch extends Error {
  constructor(what, expected, got) {
    super(`${what}: expected ${show(expected)}, got ${show(got)}`);
    this.expected = `${what} = ${show(expected)}`;
    this.got = show(got);
  }
}

/** Thrown to stop a family whose later steps need what a failed step should have made. */
class Abort extends Error {}

/** JSON with object keys sorted: equality of wire values does not depend on key order. */
function canonical(value) {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).filter(k => value[k] !== undefined).sort().map(k => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function show(value) {
  if (value === undefined) return 'undefined';
  if (value instanceof Date) return value.toISOString();
  const text = JSON.stringify(value);
  return text && text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

// The assertions a step's `verify` uses; each throws a Mismatch naming the field.
const expect = {
  eq(actual, expected, what) {
    if (canonical(actual) !== canonical(expected)) throw new Mismatch(what, expected, actual);
  },
  present(actual, what) {
    if (actual === undefined || actual === null || actual === '') throw new Mismatch(what, 'a value', actual);
  },
  absent(actual, what) {
    if (actual !== undefined && actual !== null) throw new Mismatch(what, 'absent', actual);
  },
  includes(list, predicate, what) {
    if (!Array.isArray(list) || !list.some(predicate)) throw new Mismatch(what, 'an entry', list);
  },
  excludes(list, predicate, what) {
    if (Array.isArray(list) && list.some(predicate)) throw new Mismatch(what, 'no such entry', list);
  },
  truthy(condition, what, got) {
    if (!condition) throw new Mismatch(what, 'true', got);
  },
  // `_links.<rel>.href` on the wire, as Okta writes it: absolute, on the org's URL.
  link(raw, rel, href) {
    const got = raw && raw._links && raw._links[rel];
    const actual = Array.isArray(got) ? got.map(l => l.href) : got && got.href;
    if (Array.isArray(actual) ? !actual.includes(href) : actual !== href) {
      throw new Mismatch(`_links.${rel}.href`, href, actual);
    }
  },
};

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One family's view of the run: its steps are counted and their failures recorded with the exchanges they made. */
class FamilyRun {
  constructor(name, results, recorder) {
    this.name = name;
    this.results = results;
    this.recorder = recorder;
  }

  /** The JSON of the last response the SDK got (for wire fields the SDK's models drop or rename). */
  raw() {
    const last = this.recorder.exchanges[this.recorder.exchanges.length - 1];
    try {
      return last ? JSON.parse(last.response) : undefined;
    } catch (e) {
      return undefined;
    }
  }

  /**
   * One SDK call (`fn`) and the checks of its answer (`verify(result, raw)`). Returns the result (true for an empty
   * answer), even when a check of it failed, so the lifecycle goes on; undefined only when the call itself failed.
   */
  async step(call, fn, verify) {
    const start = this.recorder.exchanges.length;
    this.results.calls += 1;
    let result;
    try {
      result = await withTimeout(Promise.resolve().then(fn), call);
    } catch (error) {
      this.fail(call, error, start);
      return undefined;
    }
    try {
      if (verify) await verify(result, this.raw());
      this.results.passed += 1;
    } catch (error) {
      this.fail(call, error, start);
    }
    return result === undefined ? true : result;
  }

  /** A call Okta answers with an error: its HTTP status and errorCode, in Okta's error shape. */
  async fails(call, fn, status, errorCode) {
    const start = this.recorder.exchanges.length;
    this.results.calls += 1;
    try {
      await withTimeout(Promise.resolve().then(fn), call);
    } catch (error) {
      try {
        expect.eq(error.status, status, 'HTTP status');
        // errorCode null: Okta's reference names the status but not the code; any code in Okta's shape will do.
        if (errorCode !== null) expect.eq(error.errorCode, errorCode, 'errorCode');
        for (const field of ['errorCode', 'errorSummary', 'errorLink', 'errorId']) expect.present(error[field], field);
        expect.truthy(Array.isArray(error.errorCauses), 'errorCauses is an array', error.errorCauses);
        this.results.passed += 1;
      } catch (mismatch) {
        this.fail(call, mismatch, start);
      }
      return;
    }
    this.fail(call, new Mismatch('answer', `HTTP ${status} ${errorCode || '(an Okta error)'}`, 'success'), start);
  }

  /** Every item of an SDK collection, through its own `.each` (which follows the Link header's `next`). */
  async all(collectionPromise) {
    const items = [];
    const collection = await collectionPromise;
    await collection.each(item => { items.push(item); });
    return items;
  }

  /** Stops the family: a later step needs `value`, which a failed step should have produced. */
  need(value, what) {
    if (value === undefined || value === null) throw new Abort(`needs ${what}`);
    return value;
  }

  fail(call, error, start) {
    const exchanges = this.recorder.exchanges.slice(start);
    const got = error instanceof Mismatch ? error.got
      : error.status ? `HTTP ${error.status} ${error.errorCode || ''} ${error.errorSummary || error.message}`.trim()
        : `${error.name}: ${error.message}`;
    const expected = error instanceof Mismatch ? error.expected : 'success';
    this.results.failures.push({ family: this.name, call, expected, got, exchanges });
  }
}

function summarize(results, families, pending) {
  console.log(`node SDK conformance: ${families.length} families, ${results.calls} calls, ${results.passed} passed, `
    + `${results.failures.length} failed`);
  for (const f of results.perFamily) {
    console.log(`  ${f.name}: ${f.calls} calls, ${f.failed} failed${f.aborted ? ` (stopped: ${f.aborted})` : ''}`);
  }
  if (pending.length) console.log(`  pending (not run): ${pending.join(', ')}`);
  for (const f of results.failures) {
    console.log(`FAIL ${f.family} / ${f.call}: expected ${f.expected}; got ${f.got}`);
    const last = f.exchanges[f.exchanges.length - 1];
    if (last) {
      const body = last.body ? ` ${last.body.slice(0, 200)}` : '';
      console.log(`    ${last.method} ${last.url}${body} -> ${last.status} ${last.response.slice(0, 300)}`);
    }
  }
}

module.exports = { RecordingExecutor, FamilyRun, Abort, Mismatch, expect, summarize };

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lazy } from './lazy.ts';

describe('lazy', () => {
  it('makes the object at the first use only, once, and binds its methods', () => {
    let made = 0;
    class Counter {
      n = 0;
      bump() {
        this.n++;
        return this.n;
      }
    }
    const counter = lazy(() => {
      made++;
      return new Counter();
    });
    assert.equal(made, 0, 'nothing is made before use');
    const bump = counter.bump;
    assert.equal(bump(), 1, 'a method read off the stand-in keeps its object');
    assert.equal(counter.bump(), 2);
    assert.equal(counter.n, 2);
    assert.equal(made, 1);
  });
});

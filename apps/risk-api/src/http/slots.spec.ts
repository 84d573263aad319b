import { Slots } from './slots';

describe('Slots', () => {
  it('refuses a key beyond its limit, and gives a slot back once', () => {
    const slots = new Slots(2);
    const first = slots.tryTake('alice');
    const second = slots.tryTake('alice');
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(slots.tryTake('alice')).toBeNull();
    // Another key has its own slots.
    expect(slots.tryTake('bob')).not.toBeNull();
    first!();
    first!();
    expect(slots.inUse('alice')).toBe(1);
    expect(slots.tryTake('alice')).not.toBeNull();
    expect(slots.tryTake('alice')).toBeNull();
  });

  it('forgets a key whose slots are all given back', () => {
    const slots = new Slots(1);
    slots.tryTake()!();
    expect(slots.inUse()).toBe(0);
    expect(slots.tryTake()).not.toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { usageSeries, usageWindow, windowDays } from './usage-series';

describe('usage series', () => {
  it('lists every day of the window, oldest first, across a month end', () => {
    expect(windowDays({ days: 3, until: '2025-03-01' })).toEqual(['2025-02-27', '2025-02-28', '2025-03-01']);
  });

  it('gives each day a quantity per metric, zero where nothing was reported', () => {
    const window = usageWindow(
      [
        { day: '2025-02-28', metric: 'seats', quantity: 4 },
        { day: '2025-03-01', metric: 'api.calls', quantity: 120 },
        { day: '2025-03-01', metric: 'seats', quantity: 5 },
      ],
      3,
      new Date('2025-03-01T18:30:00Z'),
    );
    expect(usageSeries(window)).toEqual({
      metrics: ['api.calls', 'seats'],
      points: [
        { day: '2025-02-27', 'api.calls': 0, seats: 0 },
        { day: '2025-02-28', 'api.calls': 0, seats: 4 },
        { day: '2025-03-01', 'api.calls': 120, seats: 5 },
      ],
    });
  });
});

import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { VirtualRows, windowFor } from './VirtualRows';

describe('windowFor', () => {
  it('covers the viewport plus overscan, clamped to the rows', () => {
    expect(windowFor(0, 400, 40, 10_000, 5)).toEqual({ start: 0, end: 16 });
    expect(windowFor(4000, 400, 40, 10_000, 5)).toEqual({ start: 95, end: 116 });
    expect(windowFor(399_800, 400, 40, 10_000, 5)).toEqual({ start: 9990, end: 10_000 });
    expect(windowFor(0, 400, 40, 3, 5)).toEqual({ start: 0, end: 3 });
  });
});

describe('VirtualRows', () => {
  it('renders only the rows in view out of 10,000', () => {
    render(
      <VirtualRows
        rowCount={10_000}
        rowHeight={40}
        initialHeight={400}
        overscan={2}
        renderRow={(index) => <div key={index}>row {index}</div>}
      />,
    );
    expect(screen.getByText('row 0')).toBeTruthy();
    expect(screen.queryByText('row 100')).toBeNull();
    expect(screen.getAllByText(/^row /).length).toBeLessThan(20);
  });
});

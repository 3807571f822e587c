import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { SignUpForm } from './SignUpForm.js';

const type = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });

function fill(values: Partial<Record<string, string>> = {}) {
  const all = {
    Email: 'owl@night.fm',
    Password: 'hunter22!',
    'Confirm password': 'hunter22!',
    'Display name': 'Night Owl',
    Handle: 'nightowl',
    ...values,
  };
  for (const [label, value] of Object.entries(all)) type(label, value);
}

const submit = () => fireEvent.click(screen.getByRole('button', { name: 'Create account' }));

describe('SignUpForm', () => {
  it('shows each field error linked to its field with aria-invalid, and does not submit', () => {
    const onSubmit = vi.fn();
    render(<SignUpForm onSubmit={onSubmit} pending={null} />);
    fill({ Email: 'owl', Password: 'short', 'Confirm password': 'other', Handle: '.owl' });
    submit();
    expect(onSubmit).not.toHaveBeenCalled();
    const expectError = (label: string, message: RegExp) => {
      const field = screen.getByLabelText(label);
      expect(field.getAttribute('aria-invalid')).toBe('true');
      const ids = field.getAttribute('aria-describedby')!.split(' ');
      const described = ids.map((id) => document.getElementById(id)?.textContent).join(' ');
      expect(described).toMatch(message);
    };
    expectError('Email', /like name@example.com/);
    expectError('Password', /at least 8 characters/);
    expectError('Confirm password', /do not match/);
    expectError('Handle', /may not start with "."/);
    expect(screen.getByLabelText('Display name').getAttribute('aria-invalid')).toBeNull();
    // Focus goes to the first field to fix.
    expect(document.activeElement).toBe(screen.getByLabelText('Email'));
  });

  it('shows the handle rule under the handle field', () => {
    render(<SignUpForm onSubmit={() => {}} pending={null} />);
    const handle = screen.getByLabelText('Handle');
    const hint = document.getElementById(handle.getAttribute('aria-describedby')!);
    expect(hint?.textContent).toMatch(/Up to 30 letters, digits, "_" or "."/);
  });

  it('submits clean values when everything is valid', () => {
    const onSubmit = vi.fn();
    render(<SignUpForm onSubmit={onSubmit} pending={null} />);
    fill({ Email: ' owl@night.fm ', 'Display name': ' Night Owl ', Handle: '@NightOwl' });
    submit();
    expect(onSubmit).toHaveBeenCalledWith({
      email: 'owl@night.fm',
      password: 'hunter22!',
      name: 'Night Owl',
      handle: 'NightOwl',
    });
  });

  it('toggles the password between shown and hidden', () => {
    render(<SignUpForm onSubmit={() => {}} pending={null} />);
    const password = screen.getByLabelText<HTMLInputElement>('Password');
    expect(password.type).toBe('password');
    fireEvent.click(screen.getByRole('button', { name: 'Show password' }));
    expect(password.type).toBe('text');
    fireEvent.click(screen.getByRole('button', { name: 'Hide password' }));
    expect(password.type).toBe('password');
  });

  it('shows a handle the network said is taken, whatever its case, until it changes', () => {
    const onSubmit = vi.fn();
    render(<SignUpForm onSubmit={onSubmit} pending={null} takenHandle="nightowl" />);
    fill({ Handle: 'NightOwl' });
    const handle = screen.getByLabelText('Handle');
    expect(handle.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('@NightOwl is taken. Choose another.')).toBeTruthy();
    submit();
    expect(onSubmit).not.toHaveBeenCalled();
    type('Handle', 'nightowl2');
    expect(handle.getAttribute('aria-invalid')).toBeNull();
  });

  it('checks the handle is free while typing, by its lowercase form', async () => {
    vi.useFakeTimers();
    try {
      const checkHandle = vi.fn((handle: string) => Promise.resolve(handle !== 'taken'));
      render(<SignUpForm onSubmit={() => {}} pending={null} checkHandle={checkHandle} />);
      type('Handle', 'Taken');
      await act(async () => {
        await vi.advanceTimersByTimeAsync(500);
      });
      expect(checkHandle).toHaveBeenCalledWith('taken', expect.any(AbortSignal));
      expect(screen.getByText('@Taken is taken. Choose another.')).toBeTruthy();
      type('Handle', 'FreeOwl');
      await act(async () => {
        await vi.advanceTimersByTimeAsync(500);
      });
      expect(screen.getByText('@FreeOwl is available.')).toBeTruthy();
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows the step under way and locks the form while pending', () => {
    render(<SignUpForm onSubmit={() => {}} pending="Creating your profile…" formError="Nope" />);
    const button = screen.getByRole<HTMLButtonElement>('button', {
      name: 'Creating your profile…',
    });
    expect(button.disabled).toBe(true);
    expect(screen.getByRole('form', { name: 'Sign up' }).getAttribute('aria-busy')).toBe('true');
    expect(screen.getByLabelText<HTMLInputElement>('Email').disabled).toBe(true);
    expect(screen.getByRole('alert').textContent).toBe('Nope');
  });

  it('asks only for a name and a handle in profile-only mode', () => {
    const onSubmit = vi.fn();
    render(
      <SignUpForm onSubmit={onSubmit} pending={null} profileOnly submitLabel="Create profile" />,
    );
    expect(screen.queryByLabelText('Email')).toBeNull();
    type('Display name', 'Night Owl');
    type('Handle', 'nightowl');
    fireEvent.click(screen.getByRole('button', { name: 'Create profile' }));
    expect(onSubmit).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'Night Owl', handle: 'nightowl' }),
    );
  });
});

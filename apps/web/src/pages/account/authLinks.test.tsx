// "Log in" and "Sign up" links come back to the page they were followed from; the password rule
// is said, and checked as it is typed, before the form is sent.
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { navigate } from '../../router.js';
import { AuthLink } from './AccountGate.js';
import { SignUpForm } from './SignUpForm.js';

afterEach(() => window.history.replaceState(null, '', '/'));

describe('AuthLink', () => {
  it('carries the page being shown, with its query, as next', () => {
    window.history.replaceState(null, '', '/search?q=night%20rain');
    render(
      <>
        <AuthLink to="/login">Log in</AuthLink>
        <AuthLink to="/signup">Sign up</AuthLink>
      </>,
    );
    expect(screen.getByRole('link', { name: 'Log in' }).getAttribute('href')).toBe(
      '/login?next=/search%3Fq%3Dnight%2Brain',
    );
    expect(screen.getByRole('link', { name: 'Sign up' }).getAttribute('href')).toBe(
      '/signup?next=/search%3Fq%3Dnight%2Brain',
    );
    // It follows navigation.
    act(() => navigate('/owl/midnight'));
    expect(screen.getByRole('link', { name: 'Log in' }).getAttribute('href')).toBe(
      '/login?next=/owl/midnight',
    );
  });

  it('keeps the next of the log-in and sign-up pages, and none from the home page', () => {
    window.history.replaceState(null, '', '/login?next=/upload');
    const { unmount } = render(<AuthLink to="/signup">Sign up</AuthLink>);
    expect(screen.getByRole('link').getAttribute('href')).toBe('/signup?next=/upload');
    unmount();
    window.history.replaceState(null, '', '/');
    render(<AuthLink to="/login">Log in</AuthLink>);
    expect(screen.getByRole('link').getAttribute('href')).toBe('/login');
  });
});

describe('the password rule', () => {
  it('is shown before typing and counts down live, without sending the form', () => {
    const onSubmit = vi.fn();
    render(<SignUpForm onSubmit={onSubmit} pending={null} />);
    const password = screen.getByLabelText('Password');
    const hint = () => document.getElementById(`${password.id}-hint`)!.textContent;
    expect(hint()).toContain('At least 8 characters.');
    fireEvent.change(password, { target: { value: 'abc' } });
    expect(hint()).toContain('At least 8 characters (5 more)');
    expect(password.getAttribute('aria-describedby')).toContain(`${password.id}-hint`);
    fireEvent.change(password, { target: { value: 'abcdefgh' } });
    expect(hint()).toContain('At least 8 characters ✓');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('says a short password is too short once the field is left', () => {
    render(<SignUpForm onSubmit={() => {}} pending={null} />);
    const password = screen.getByLabelText('Password');
    fireEvent.change(password, { target: { value: 'abc' } });
    fireEvent.blur(password);
    expect(screen.getByText('Use at least 8 characters.')).toBeTruthy();
  });
});

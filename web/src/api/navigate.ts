// Full-page navigation out of the app (to the server's /login). One object, so tests can replace it.
export const leave = {
  to(url: string): void {
    window.location.assign(url);
  },
};

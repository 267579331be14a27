/** An error caused by input or setup, with a message written for the person who can fix it. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

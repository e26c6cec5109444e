// The bench's data is generated from a seed, with the tests' generator, so every run makes the
// same repositories and sessions.

export { seededRandom as seeded, type Random } from '../../test/helpers/random.js';

/** Memorable lottery names such as `brave-otter-42`, from randomness passed in. */
const ADJECTIVES = (
  'brave calm clever daring eager gentle happy jolly keen lucky ' +
  'merry nimble proud quick quiet bright sunny swift witty zesty ' +
  'bold cosmic golden silver mighty noble rapid royal shiny wild'
).split(' ');
const ANIMALS = (
  'otter badger falcon fox heron lynx marten owl panda puffin ' +
  'raven seal tiger walrus wombat yak zebra beaver crane dolphin ' +
  'eagle gecko koala lemur moose narwhal orca pelican quokka stoat'
).split(' ');

export function memorableName(drawBelow: (bound: number) => number): string {
  const adjective = ADJECTIVES[drawBelow(ADJECTIVES.length)];
  const animal = ANIMALS[drawBelow(ANIMALS.length)];
  return `${adjective}-${animal}-${drawBelow(100)}`;
}

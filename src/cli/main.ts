// Placeholder until the CLI lands.
console.log('backend-scenarios');

"""GraphQL of the labels component: annotations, corrections, consent for learning."""

"""GraphQL for media uploads and analyses, with their live progress."""

"""GraphQL of the content component: articles, videos, and the editors' mutations."""

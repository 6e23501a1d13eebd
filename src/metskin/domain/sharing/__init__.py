"""The sharing component: a patient shares analyses with a dermatologist, who reads only what
is shared."""

"""The directory component: dermatologists' profiles and the search over them."""

"""The labels component: dermatologists' annotations and patients' corrections of analyses,
consent for learning, and the dataset built from them."""

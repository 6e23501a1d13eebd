"""Money: amounts in ISO 4217 currencies and the dated exchange rates that convert them."""

"""GraphQL for money: the exchange rates in force, and the admin mutation that sets them."""

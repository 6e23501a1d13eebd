"""Progress over time (issue 16): two analyses of one person compared per region, with a noise
band from repeated captures, a comparability score, and the faces aligned by their landmarks."""

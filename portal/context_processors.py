def demo_data(request) -> dict:
    """Whether sample data is loaded, so every page can say so (a banner)."""
    from indicators.demo import demo_data_present

    return {"demo_data_present": demo_data_present()}

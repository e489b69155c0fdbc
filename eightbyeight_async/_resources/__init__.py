"""One resource class per API family; each is reached as an attribute of `ContactCenter`."""

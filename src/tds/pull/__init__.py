"""Pull sync: bulk and incremental walks of the Zoho Books API into the queue."""

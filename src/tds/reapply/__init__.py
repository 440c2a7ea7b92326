"""`tds erp reapply`: stored records written again through the running ERP profile."""

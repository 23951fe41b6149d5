package io.kratossync.worker;

import io.kratossync.testing.ModuleBoundaryContract;

/** The features of sync-worker talk through each other's API only. */
class ModuleBoundaryTests extends ModuleBoundaryContract {

	ModuleBoundaryTests() {
		super(SyncWorkerApplication.class, "sync-worker");
	}

}

-- AlterTable
ALTER TABLE "AuditChainHead" ADD COLUMN     "createdAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ValidationHourStat" (
    "hour" TIMESTAMP(3) NOT NULL,
    "success" BOOLEAN NOT NULL,
    "code" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "ValidationHourStat_pkey" PRIMARY KEY ("hour","success","code")
);

-- CreateTable
CREATE TABLE "ValidationDayPair" (
    "day" TIMESTAMP(3) NOT NULL,
    "licenseId" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,

    CONSTRAINT "ValidationDayPair_pkey" PRIMARY KEY ("day","licenseId","ip")
);

-- CreateTable
CREATE TABLE "AuditActionDay" (
    "day" TIMESTAMP(3) NOT NULL,
    "action" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "AuditActionDay_pkey" PRIMARY KEY ("day","action","severity")
);

-- CreateTable
CREATE TABLE "RollupCoverage" (
    "name" TEXT NOT NULL,
    "fromAt" TIMESTAMP(3) NOT NULL,
    "throughAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RollupCoverage_pkey" PRIMARY KEY ("name")
);

-- Appends from now on never go back in time: they start from the newest event's time.
UPDATE "AuditChainHead" SET "createdAt" = (SELECT "createdAt" FROM "AuditEvent" ORDER BY "sequence" DESC LIMIT 1) WHERE "id" = 1;

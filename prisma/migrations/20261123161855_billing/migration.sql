-- AlterTable
ALTER TABLE "StripeEvent" ADD COLUMN     "customerId" TEXT;

-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN     "currency" TEXT NOT NULL DEFAULT 'usd',
ADD COLUMN     "endedAt" TIMESTAMP(3),
ADD COLUMN     "lastInvoiceEventAt" TIMESTAMP(3),
ADD COLUMN     "mrrCents" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "startedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "StripeEvent_receivedAt_idx" ON "StripeEvent"("receivedAt");

-- CreateIndex
CREATE INDEX "Subscription_startedAt_idx" ON "Subscription"("startedAt");

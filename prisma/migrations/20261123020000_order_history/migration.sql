-- CreateTable
CREATE TABLE "HistoryCustomer" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "email" TEXT,
    "source" TEXT NOT NULL,

    CONSTRAINT "HistoryCustomer_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "HistoryOrder" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "customerId" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "source" TEXT NOT NULL,

    CONSTRAINT "HistoryOrder_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "HistoryRefund" (
    "shop" TEXT NOT NULL,
    "id" BIGINT NOT NULL,
    "orderId" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "source" TEXT NOT NULL,

    CONSTRAINT "HistoryRefund_pkey" PRIMARY KEY ("shop","id")
);

-- CreateTable
CREATE TABLE "HistoryImport" (
    "id" BIGSERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "bulkOperationId" TEXT,
    "customers" INTEGER NOT NULL DEFAULT 0,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "refunds" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "error" TEXT,

    CONSTRAINT "HistoryImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HistoryState" (
    "shop" TEXT NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HistoryState_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "HistoryClvForecast" (
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "result" JSONB NOT NULL,

    CONSTRAINT "HistoryClvForecast_pkey" PRIMARY KEY ("shop","day")
);

-- CreateIndex
CREATE INDEX "HistoryOrder_shop_customerId_idx" ON "HistoryOrder"("shop", "customerId");

-- CreateIndex
CREATE INDEX "HistoryOrder_shop_createdAt_idx" ON "HistoryOrder"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "HistoryRefund_shop_orderId_idx" ON "HistoryRefund"("shop", "orderId");

-- CreateIndex
CREATE INDEX "HistoryImport_shop_startedAt_idx" ON "HistoryImport"("shop", "startedAt");
